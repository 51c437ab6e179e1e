"""Reading and writing files: curated tables, layer GeoJSON."""
