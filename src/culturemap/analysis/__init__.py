"""Pure analysis functions on GeoDataFrames (metric CRS inside, units in names); no folium, no streamlit."""
