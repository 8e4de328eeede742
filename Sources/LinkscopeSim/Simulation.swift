import LinkscopeCollectives
import LinkscopeCostModel
import LinkscopeFabric
import LinkscopeScenario
import LinkscopeSchedule
import LinkscopeTimeline
import LinkscopeTopology
import LinkscopeUnits

/// PLACEHOLDER: runs scenarios (written by the integration work).
public enum Simulation {}
