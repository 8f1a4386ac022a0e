"""Workflows shared by the window and the command line.

A layer between the front ends (gui, cli) and the parts (store, suggest, io): each function
composes parts into one job (import these paths into this store), reports progress through
a callback, and returns a summary. The CLI and the GUI call the same functions, so a file
imported from the menu behaves exactly like one imported from the shell.
"""
