"""The collector's workspace in the terminal (Textual): a thin layer over the core.

Database work runs in thread workers that post messages; widgets hold plain data only.
"""
