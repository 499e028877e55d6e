bind = "127.0.0.1:8000"
workers = 3
timeout = 30
keepalive = 2
