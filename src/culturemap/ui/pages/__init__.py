"""Streamlit page scripts (run by st.navigation in culturemap.ui.app)."""
