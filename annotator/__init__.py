"""annotator: turn news articles into gold NER and event training data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("annotator")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+src"
