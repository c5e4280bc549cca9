// cluster/: multi-node, still to come: internode RPC, RemoteDrive (implements disk's Drive),
// distributed locks (implement object's NamespaceLocker). Drive arguments and endpoints are
// parsed in config/.
export {};
