"""Class photo albums: uploads through the media pipeline, image-rights consent, zip downloads."""
