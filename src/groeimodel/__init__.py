"""groeimodel: a scan, register and monitor for social innovation in small and medium-sized firms (MKB)."""

__version__ = "0.1.0"
