/// PLACEHOLDER: closed-form cost formulas (replaced by the cost-model work).
public enum CostFormulas {}
