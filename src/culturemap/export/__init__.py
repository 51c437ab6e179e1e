"""Files for reports: rasters, images, vector exports."""
