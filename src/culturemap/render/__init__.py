"""Maps and figures built from catalog/analysis results (folium, matplotlib); no Streamlit, no I/O."""
