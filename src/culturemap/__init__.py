"""culturemap: a city's cultural assets on an interactive map, with analysis."""

__version__ = "0.1.0"
