"""The Streamlit side shared by every page: the connection/caching adapter and common widgets."""
