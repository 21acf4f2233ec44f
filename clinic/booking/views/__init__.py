"""The client's booking pages, one module per step: book (choose a session, then a time, then
send), sent, and manage (the client's own request through the link in their email)."""
