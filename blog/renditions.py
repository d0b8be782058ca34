"""The blog's public images (a post's cover, a gallery image, an image of a text) go through the
processing every public image of the portal shares: tsf.core.renditions (stripped at upload, AVIF and
WebP copies and the share image made by the worker). Kept under this name for the blog's code."""
from tsf.core.renditions import (  # noqa: F401 - the blog's names for the shared processing
    FORMATS,
    MIME_TYPES,
    SAVE_OPTIONS,
    SHARE_SIZE,
    WIDTHS,
    Slot,
    forget_share_image,
    formats,
    make,
    make_renditions,
    record_share_image,
    remove,
    rendition_name,
    share_image,
    sources,
    strip,
    take_in,
    widths_for,
)
