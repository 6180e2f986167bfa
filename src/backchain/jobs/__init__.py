"""The video analysis job queue: in-process by default, Redis and `backchain worker`s in a clinic.

Jobs live in the database (`store.jobs`) and their files in the storage folder, so any web
process shows any job and a job outlives the process that queued or ran it.
"""
