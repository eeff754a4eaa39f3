"""The media library: the image pipeline, uploads, renditions and images in HTML."""
