"""Historians' toolkit: claims, evidence and archives in historical writing."""

__version__ = "0.2.0"
