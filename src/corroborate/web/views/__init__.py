"""One module per kind of page; each has `routes(web) -> list[Route]`, its `.json`
twin beside it."""
