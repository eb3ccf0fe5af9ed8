// SPDX-License-Identifier: MIT
// Test-only harness of the zero-knowledge batched opening of the ZK verifier core (ZkCore.yul on top of the verifier
// core; apart from ZkCoreHarness.sol to keep each under the EIP-170 size) on proof bytes from the C# prover. It takes one
// packed argument (32-byte words, then the proof bytes; see ZkCoreHarnessTests) and returns raw words: [1, final
// transcript state], or one zero word on rejection.
pragma solidity ^0.8.24;

contract ZkOpeningHarness {
    uint256 internal constant R_MOD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant P_MOD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant INV_TWO = 10944121435919637611123202872628637544274182200208017171849102093287904247809;

    /// [init, g2 (8 words), H.x, H.y, C_D1 (2), C_D2 (2), G, T, m, N, D, region g_R, v_R (0: no region), j_R] ‖ G × (C.x, C.y,
    /// n) ‖ m values ‖ T × (claim, vector, κ, kind, data word index, rows, k, j) ‖ D data words ‖ proof. Returns [1, state].
    function zkBatchOpening(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
{{ZKCORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let ob := alloc(0x180)
                mstore(add(ob, 0x160), 0)
                if calldataload(add(a, 0x2a0)) {
                    let reg := alloc(0x60)
                    calldatacopy(reg, add(a, 0x280), 0x60)
                    mstore(add(ob, 0x160), reg)
                }
                let g2 := alloc(0x100)
                calldatacopy(g2, add(a, 0x20), 0x100)
                mstore(add(ob, 0x140), g2)
                mstore(add(ob, 0x100), calldataload(add(a, 0x120)))
                mstore(add(ob, 0x120), calldataload(add(a, 0x140)))
                let d := alloc(0x80)
                calldatacopy(d, add(a, 0x160), 0x80)
                mstore(add(ob, 0xe0), d)
                let nv := calldataload(add(a, 0x1e0))
                let nt := calldataload(add(a, 0x200))
                let m := calldataload(add(a, 0x220))
                mstore(add(ob, 0x20), nv)
                mstore(add(ob, 0x60), nt)
                mstore(add(ob, 0xa0), m)
                mstore(add(ob, 0xc0), calldataload(add(a, 0x240)))
                let p := add(a, 0x2e0)
                let vecs := alloc(shl(7, nv))
                for { let g := 0 } lt(g, nv) { g := add(g, 1) } {
                    calldatacopy(add(vecs, shl(7, g)), p, 0x60)
                    p := add(p, 0x60)
                }
                mstore(ob, vecs)
                let ys := alloc(shl(5, m))
                calldatacopy(ys, p, shl(5, m))
                mstore(add(ob, 0x80), ys)
                p := add(p, shl(5, m))
                let terms := alloc(shl(8, nt))
                calldatacopy(terms, p, shl(8, nt))
                mstore(add(ob, 0x40), terms)
                p := add(p, shl(8, nt))
                let nd := calldataload(add(a, 0x260))
                let data := alloc(shl(5, nd))
                calldatacopy(data, p, shl(5, nd))
                p := add(p, shl(5, nd))
                for { let t := terms } lt(t, add(terms, shl(8, nt))) { t := add(t, 0x100) } {
                    mstore(add(t, 0x80), add(data, shl(5, mload(add(t, 0x80)))))
                }
                if iszero(eq(zkBatchOpen(ob, p), add(a, len))) { fail() }
                let out := alloc(0x40)
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, 0x40)
            }
            run(arg.offset, arg.length)
        }
    }
}
