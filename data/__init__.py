"""Catalogs bundled with gstk (installed as the package ``gstk._data``)."""
