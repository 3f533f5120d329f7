"""Batch scan: saved fields (a folder of images or a video) through the runtime into the store."""
