"""Themed routes: travel times, stop order (exact and heuristic), itineraries."""
