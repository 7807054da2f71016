"""Sans-I/O logic shared by the async facade (``_async``) and its generated sync twin
(``_sync``): data classes, validation, the retry decision, error mapping and paging
bookkeeping. Nothing here sends a request or sleeps."""
