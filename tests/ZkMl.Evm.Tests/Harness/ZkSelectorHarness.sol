// SPDX-License-Identifier: MIT
// Test-only harness of ZkCore.yul's small helpers (zkSelector, zkIndexExtend), apart from ZkCoreHarness, which is close to
// the contract size limit. One packed argument of 32-byte words; returns raw words: [1, outputs...].
pragma solidity ^0.8.24;

contract ZkSelectorHarness {
    uint256 internal constant R_MOD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant P_MOD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant INV_TWO = 10944121435919637611123202872628637544274182200208017171849102093287904247809;

    /// [k, idx, from, to, v, x_0..x_{k−1}]. Returns [1, zkSelector(x, k, idx), zkIndexExtend(end of x, from, to, v)] (to ≤ k).
    function selectorAndIndex(bytes calldata arg) external view returns (uint256 status) {
        assembly {
{{CORE}}
{{ZKCORE}}
            function run(a, len) {
                let k := calldataload(a)
                if iszero(eq(len, shl(5, add(5, k)))) { fail() }
                let pt := alloc(shl(5, k))
                calldatacopy(pt, add(a, 0xa0), shl(5, k))
                let out := alloc(0x60)
                mstore(out, 1)
                mstore(add(out, 0x20), zkSelector(pt, k, calldataload(add(a, 0x20))))
                mstore(add(out, 0x40), zkIndexExtend(add(pt, shl(5, k)), calldataload(add(a, 0x40)), calldataload(add(a, 0x60)), calldataload(add(a, 0x80))))
                return(out, 0x60)
            }
            run(arg.offset, arg.length)
        }
    }
}
