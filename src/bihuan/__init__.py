"""bihuan (闭环): government work reports in, a tracked plan out."""

__version__ = "0.1.0"
