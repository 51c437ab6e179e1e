"""Entry point: ``streamlit run app.py``."""

from culturemap.ui.app import main

main()
