// SPDX-License-Identifier: MIT
// Test-only harness: exposes the verifier core's sub-protocols on proof bytes from the C# provers.
// Every function takes one packed argument (32-byte words, then the proof bytes; see CoreHarnessTests)
// and returns raw words: [1, final transcript state, outputs...], or one zero word on rejection.
pragma solidity ^0.8.24;

contract CoreHarness {
    uint256 internal constant R_MOD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant P_MOD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant INV_TWO = 10944121435919637611123202872628637544274182200208017171849102093287904247809;

    /// [init] ‖ records: kind (1 byte: 0 absorb, 1 challenge) ‖ label (32) ‖ length (2) ‖ data.
    /// Returns [1, state, challenges...].
    function transcript(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let out := alloc(shl(5, add(2, div(len, 35))))
                let k := 2
                let end := add(a, len)
                for { let p := add(a, 0x20) } lt(p, end) { } {
                    let n := shr(240, calldataload(add(p, 33)))
                    switch byte(0, calldataload(p))
                    case 0 { trAbsorbCalldata(calldataload(add(p, 1)), add(p, 35), n) }
                    default {
                        mstore(add(out, shl(5, k)), trChallenge(calldataload(add(p, 1))))
                        k := add(k, 1)
                    }
                    p := add(p, add(35, n))
                }
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, shl(5, k))
            }
            run(arg.offset, arg.length)
        }
    }

    /// [init, claim, n, zeroCheck, tau_1..tau_n] ‖ proof. Returns [1, state, final value, point...].
    function sumcheck(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let n := calldataload(add(a, 0x40))
                let pf := add(a, shl(5, add(4, n)))
                if iszero(eq(sub(add(a, len), pf), shl(6, n))) { fail() }
                let out := alloc(shl(5, add(n, 3)))
                let e := 0
                let cd := 0
                switch calldataload(add(a, 0x60))
                case 0 { e, cd := sumcheck2(calldataload(add(a, 0x20)), n, pf, add(out, 0x60)) }
                default {
                    let t := alloc(shl(5, n))
                    calldatacopy(t, add(a, 0x80), shl(5, n))
                    e, cd := zeroCheck2(calldataload(add(a, 0x20)), t, n, pf, add(out, 0x60))
                }
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                mstore(add(out, 0x40), e)
                return(out, shl(5, add(n, 3)))
            }
            run(arg.offset, arg.length)
        }
    }

    /// [init, alpha, n, m] ‖ proof. Returns [1, state, 7 claim values, r_w (n), r_t (m)].
    function logUp(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let n := calldataload(add(a, 0x40))
                let m := calldataload(add(a, 0x60))
                let nn := n
                if gt(m, n) { nn := m }
                if iszero(eq(sub(len, 0x80), shl(5, add(6, shl(1, nn))))) { fail() }
                let size := shl(5, add(9, add(n, m)))
                let out := alloc(size)
                let rw := add(out, 0x120)
                pop(logUp(calldataload(add(a, 0x20)), n, m, add(a, 0x80), rw, add(rw, shl(5, n)), add(out, 0x40)))
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, size)
            }
            run(arg.offset, arg.length)
        }
    }

    /// [init, g2 (8 words), nGroups, groups (x, y each), splitsBytes, splits (count, then group, n, k, A_0 … A_{2^k−1} each),
    /// m, claims (group, n, y, z_1..z_n each), nJoint] ‖ proof
    /// (claim records without offset-bit or suffix hints: the generic path; nJoint only sizes the proof).
    /// Returns [1, state].
    function batchOpening(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let g := alloc(0x100)
                calldatacopy(g, add(a, 0x20), 0x100)
                let nGroups := calldataload(add(a, 0x120))
                let groups := alloc(shl(6, nGroups))
                calldatacopy(groups, add(a, 0x140), shl(6, nGroups))
                let s := add(add(a, 0x140), shl(6, nGroups))
                let splitsBytes := calldataload(s)
                let splits := alloc(splitsBytes)
                calldatacopy(splits, add(s, 0x20), splitsBytes)
                s := add(s, add(0x20, splitsBytes))
                let m := calldataload(s)
                s := add(s, 0x20)
                let claims := alloc(shl(8, m))
                let nMax := 0
                for { let c := claims } lt(c, add(claims, shl(8, m))) { c := add(c, 0x100) } {
                    mstore(add(c, 0x80), 0)
                    mstore(add(c, 0xa0), 0)
                    mstore(add(c, 0xc0), 0)
                    let nv := calldataload(add(s, 0x20))
                    if gt(nv, nMax) { nMax := nv }
                    mstore(c, calldataload(s))
                    mstore(add(c, 0x20), nv)
                    let z := alloc(shl(5, nv))
                    calldatacopy(z, add(s, 0x60), shl(5, nv))
                    mstore(add(c, 0x40), z)
                    mstore(add(c, 0x60), calldataload(add(s, 0x40)))
                    s := add(s, add(0x60, shl(5, nv)))
                }
                let nJoint := calldataload(s)
                s := add(s, 0x20)
                let want := add(shl(6, nMax), shl(5, nGroups))
                if nJoint { want := add(want, hkLength(nJoint)) }
                if iszero(eq(sub(add(a, len), s), want)) { fail() }
                pop(batchOpen(claims, m, groups, nGroups, splits, s, g))
                let out := alloc(0x40)
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, 0x40)
            }
            run(arg.offset, arg.length)
        }
    }

    /// [init, g2 (8 words), C.x, C.y, y, l, x_1..x_l (protocol order)] ‖ proof. Returns [1, state].
    function hyperKzg(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
            function run(a, len) {
                mstore(0x00, calldataload(a))
                let hk := alloc(0x180)
                let g := alloc(0x100)
                calldatacopy(g, add(a, 0x20), 0x100)
                calldatacopy(hk, add(a, 0x120), 0x60)
                let l := calldataload(add(a, 0x180))
                let want := 0
                if l { want := hkLength(l) }
                let pf := add(a, shl(5, add(13, l)))
                if iszero(eq(sub(add(a, len), pf), want)) { fail() }
                let xb := alloc(shl(5, l))
                for { let j := 0 } lt(j, l) { j := add(j, 1) } {
                    mstore(add(xb, shl(5, j)), calldataload(add(add(a, 0x1a0), shl(5, sub(sub(l, 1), j)))))
                }
                mstore(add(hk, 0x60), l)
                mstore(add(hk, 0x80), xb)
                mstore(add(hk, 0xa0), g)
                hkAbsorbClaim(hk) // standalone HyperKZG binds its claim (the batched opening's does not: its transcript determines it)
                pop(hyperKzg(hk, pf))
                let out := alloc(0x40)
                mstore(out, 1)
                mstore(add(out, 0x20), mload(0x00))
                return(out, 0x40)
            }
            run(arg.offset, arg.length)
        }
    }
}
