// cluster/: multi-node. Internode RPC (rpc-*.ts: tokens, framing, RpcServer, RpcClient with
// deadlines and peer health, open-ended live streams), RemoteDrive (implements disk's Drive) over the drive service,
// distributed locks (DistributedLocker implements object's NamespaceLocker over one LockTable per
// node), peer notifications (call object's reload hooks), start-up agreement (bootstrap.ts) and
// the topology (which node holds which drive). Drive arguments and endpoints are parsed in
// config/; server-cluster.ts wires this.
export * from "./topology.ts";
export * from "./bootstrap.ts";
export * from "./peer-service.ts";
export * from "./drive-service.ts";
export * from "./remote-drive.ts";
export { RpcError, isRpcError, isTransportError, type RpcErrorKind } from "./rpc-error.ts";
export { signToken, verifyToken } from "./rpc-token.ts";
export { RPC_PATH_PREFIX, RpcServer, type RpcHandler, type RpcReply, type RpcServerOptions } from "./rpc-server.ts";
export { RpcClient, type RpcCallOptions, type RpcClientOptions } from "./rpc-client.ts";
export type { HealthOptions } from "./rpc-health.ts";
export { LockTable, type LockRequest, type LockTableOptions } from "./lock-table.ts";
export { LocalLockerPeer, registerLockService, rpcLockerPeer, type LockerPeer, type LockServiceClient, type LockServiceServer } from "./locker-peer.ts";
export { DistributedLocker, lockQuorum, type DistributedLockerOptions } from "./distributed-locker.ts";
export { poolReport, registerPoolService, rpcPools, type PoolReport, type PoolServer, type PoolService } from "./pool-service.ts";
export { followPeer, liveFrames, LIVE_HEARTBEAT_MS, type FollowOptions, type LiveFrame, type LiveFramesOptions } from "./rpc-live.ts";
