"""What the use cases need from outside: Teams (`phone_system`), the database (`storage`) and time (`clock`).

Each adapter implements one of these Protocols; the services import only these modules.
"""
