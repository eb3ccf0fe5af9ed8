// SPDX-License-Identifier: MIT
// Test-only harness of the zero-knowledge verifier core (ZkCore.yul on top of the verifier core): exposes its
// sub-protocols on proof bytes from the C# provers. Every function takes one packed argument (32-byte words, then
// the proof bytes; see ZkCoreHarnessTests) and returns raw words: [1, final transcript state, outputs...], or one
// zero word on rejection.
pragma solidity ^0.8.24;

contract ZkCoreHarness {
    uint256 internal constant R_MOD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant P_MOD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant INV_TWO = 10944121435919637611123202872628637544274182200208017171849102093287904247809;

    /// [init, claim, n, zeroCheck, σ, v_g, labelSum, labelRho, τ_1..τ_n, d_1..d_n] ‖ rounds.
    /// Returns [1, state, e − ρ′·v_g, ρ′, point...].
    function maskedSumcheck(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
{{ZKCORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let n := calldataload(add(a, 0x40))
                let ms := alloc(0xe0)
                mstore(ms, calldataload(add(a, 0x20)))
                mstore(add(ms, 0x20), frAt(add(a, 0x80)))
                mstore(add(ms, 0x40), calldataload(add(a, 0xc0)))
                mstore(add(ms, 0x60), calldataload(add(a, 0xe0)))
                let tau := 0
                if calldataload(add(a, 0x60)) {
                    tau := alloc(shl(5, n))
                    calldatacopy(tau, add(a, 0x100), shl(5, n))
                }
                mstore(add(ms, 0x80), tau)
                let deg := alloc(shl(5, n))
                calldatacopy(deg, add(a, add(0x100, shl(5, n))), shl(5, n))
                mstore(add(ms, 0xa0), deg)
                mstore(add(ms, 0xc0), n)
                let total := 0
                for { let i := 0 } lt(i, n) { i := add(i, 1) } { total := add(total, mload(add(deg, shl(5, i)))) }
                let pf := add(a, add(0x100, shl(6, n)))
                if iszero(eq(sub(add(a, len), pf), shl(5, total))) { fail() }
                let out := alloc(shl(5, add(n, 4)))
                finish(ms, pf, out, frAt(add(a, 0xa0)))
                return(out, shl(5, add(n, 4)))
            }
            function finish(ms, pf, out, vg) {
                let e, rho, cd := maskedSumcheck(ms, pf, add(out, 0x80))
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                mstore(add(out, 0x40), frSub(e, mulmod(rho, vg, R_MOD)))
                mstore(add(out, 0x60), rho)
            }
            run(arg.offset, arg.length)
        }
    }

    /// [init, g2 (8 words), C.x, C.y, y, l, H.x, H.y, x_1..x_l (protocol order)] ‖ proof. Returns [1, state].
    function hyperKzgHiding(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
{{ZKCORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let hk := alloc(0x180)
                let g := alloc(0x100)
                calldatacopy(g, add(a, 0x20), 0x100)
                calldatacopy(hk, add(a, 0x120), 0x60)
                let l := calldataload(add(a, 0x180))
                let want := 0x20
                if l { want := add(hkLength(l), 0x20) }
                let pf := add(a, shl(5, add(15, l)))
                if iszero(eq(sub(add(a, len), pf), want)) { fail() }
                let xb := alloc(shl(5, l))
                for { let j := 0 } lt(j, l) { j := add(j, 1) } {
                    mstore(add(xb, shl(5, j)), calldataload(add(add(a, 0x1e0), shl(5, sub(sub(l, 1), j)))))
                }
                mstore(add(hk, 0x60), l)
                mstore(add(hk, 0x80), xb)
                mstore(add(hk, 0xa0), g)
                hkAbsorbClaim(hk)
                pop(hyperKzgHiding(hk, calldataload(add(a, 0x1a0)), calldataload(add(a, 0x1c0)), pf))
                let out := alloc(0x40)
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, 0x40)
            }
            run(arg.offset, arg.length)
        }
    }

    /// [init, α, n, m, d_1..d_N] ‖ proof (N = max(n, m)). Returns [1, state, ĥ_w, f̂, ĥ_t, t̂, m̂, v_g, point (N), r_w (n), r_t (m)].
    function zkLogUp(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
{{ZKCORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let n := calldataload(add(a, 0x40))
                let m := calldataload(add(a, 0x60))
                let nn := n
                if gt(m, n) { nn := m }
                let lc := alloc(0x100)
                mstore(lc, calldataload(add(a, 0x20)))
                mstore(add(lc, 0x20), n)
                mstore(add(lc, 0x40), m)
                let deg := alloc(shl(5, nn))
                calldatacopy(deg, add(a, 0x80), shl(5, nn))
                mstore(add(lc, 0x60), deg)
                let size := shl(5, add(8, add(nn, add(n, m))))
                let out := alloc(size)
                mstore(add(lc, 0xe0), add(out, 0x40))
                mstore(add(lc, 0xc0), add(out, 0x100))
                mstore(add(lc, 0x80), add(out, add(0x100, shl(5, nn))))
                mstore(add(lc, 0xa0), add(out, add(0x100, shl(5, add(nn, n)))))
                let total := 0
                for { let i := 0 } lt(i, nn) { i := add(i, 1) } { total := add(total, mload(add(deg, shl(5, i)))) }
                let pf := add(add(a, 0x80), shl(5, nn))
                if iszero(eq(sub(add(a, len), pf), shl(5, add(total, 7)))) { fail() }
                pop(zkLogUp(lc, pf))
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, size)
            }
            run(arg.offset, arg.length)
        }
    }
}
