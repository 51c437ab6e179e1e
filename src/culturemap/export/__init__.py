"""Files for reports: rasters, images, vector exports.

The format names live here, without imports, so that the CLI can offer them without loading
matplotlib or the GIS writers."""

PRINT_FORMATS = ("png", "pdf", "svg")  # the print map (culturemap.export.print_map)
DATA_FORMATS = ("geojson", "gpkg", "kml", "csv", "xlsx")  # the selection's rows (culturemap.export.data)
EXPORT_FORMATS = ("pdf", "png", "svg", "html", *DATA_FORMATS)  # all of culturemap.export.selection, PDF first
VIEW_SCALES = (1, 2, 3)  # the view snapshot's device pixels per CSS pixel (culturemap.export.view)
VIEW_SIZE_PX = (200, 4000)  # the view snapshot's smallest and largest side, CSS pixels
