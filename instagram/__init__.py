"""Where profiles come from: Instagram via instaloader, or folders in instaloader's layout.

`source.ProfileSource` is the interface; `directory.DirectorySource` and
`instaloader_source.InstaloaderSource` implement it; `errors` holds the exceptions handlers
show to the person; `usernames.parse_username` checks what the person typed.
"""
