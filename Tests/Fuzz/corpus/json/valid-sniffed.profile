{ "gateway": { "id": "sniffed" }, "inputs": [ { "id": "door", "gpio": { "line": 17 } } ] }
