import LinkscopeTraces

/// PLACEHOLDER: what-if replay of real traces through the simulator (written by the replay work).
public enum Replay {}
