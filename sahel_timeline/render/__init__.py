"""Terminal views (Rich): each renderer takes the data and a Console, and prints.

Store text reaches Rich only through `user_text` (a `rich.text.Text` with control
characters made visible), never as markup.
"""
