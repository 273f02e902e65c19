"""The local demo: a simulated Contoso behind the Graph stand-in, the bot, and the Agents Playground as Teams.

- `stack.start_demo(paths)` starts all three (what `switchboard demo` and the browser tests run);
  `locations` says where a demo keeps its state and which ports it asks for.
- `tenant.build_demo_tenant()` is the simulated Contoso: the Playground's people, two sites, two carriers.
- `identities` are the Playground's people and places; `playground_config` writes its config file and
  `playground` starts and stops its process.
"""
