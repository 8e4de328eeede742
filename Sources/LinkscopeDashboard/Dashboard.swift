import CNcurses
import LinkscopeTimeline

/// PLACEHOLDER: the terminal dashboard (replaced by the dashboard work).
public enum Dashboard {}
