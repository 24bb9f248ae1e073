"""What Jorge's assistant knows and may say, as data files (see README.md beside this module).

The files ship inside the package, so `DEFAULT_DIR` is found the same way from a checkout and
from an installed wheel; the configuration file's `knowledge_dir` may point elsewhere.
"""

from pathlib import Path

DEFAULT_DIR = Path(__file__).parent

__all__ = ["DEFAULT_DIR"]
