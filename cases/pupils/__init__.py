"""Pupils and their school rolls: the record, its UPN, history, search, imports, who may edit it."""
