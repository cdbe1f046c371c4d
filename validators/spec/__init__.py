"""validators/spec"""
