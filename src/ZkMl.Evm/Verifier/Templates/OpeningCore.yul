            // ===== batched-opening helpers of the generated claim code (fixed; docs/protocol.md "On-chain verifier") =====
            // Only in default-mode verifiers (dense and conv keys), whose claims of the batched opening are straight-line
            // generated code (SolidityVerifierGenerator.Opening.cs) instead of the core's claim records and batchOpen.

            // v·Π_{t<k} (bit t of o ? c_{s+t} : 1 − c_{s+t}) over the bit table (bitTable) at p = bt + 0x80·s: the k offset
            // bits of a claim, least significant first (one or two bits, then four per iteration as batchFinalClaim)
            function offsetBits(v, p, k, o) -> w {
                w := v
                if and(k, 1) {
                    w := mulmod(w, mload(add(p, shl(5, and(o, 1)))), R_MOD)
                    o := shr(1, o)
                    p := add(p, 0x80)
                }
                if and(k, 2) {
                    w := mulmod(w, mulmod(mload(add(p, shl(5, and(o, 1)))), mload(add(add(p, 0x80), shl(4, and(o, 2)))), R_MOD), R_MOD)
                    o := shr(2, o)
                    p := add(p, 0x100)
                }
                for { let pe := add(p, shl(7, and(k, not(3)))) } lt(p, pe) { p := add(p, 0x200) } {
                    w := mulmod(w, mulmod(mulmod(mload(add(p, shl(5, and(o, 1)))), mload(add(add(p, 0x80), shl(4, and(o, 2)))), R_MOD),
                                          mulmod(mload(add(add(p, 0x100), shl(3, and(o, 4)))), mload(add(add(p, 0x180), shl(2, and(o, 8)))), R_MOD), R_MOD), R_MOD)
                    o := shr(4, o)
                }
            }

            // v·Π (1 − c_b) over the bit-table rows p, p + 0x80, … below e (the variables a vector of the joint opening lacks)
            function eqZeros(v, p, e) -> w {
                w := v
                for { } lt(p, e) { p := add(p, 0x80) } { w := mulmod(w, mload(p), R_MOD) }
            }

            // eq(bits(idx), pt[0..k)) as the core's selector (bit k−1−j of idx pairs with pt[j]), from the last coordinate
            // and without a switch: a 0 bit takes r + 1 − x (an unreduced mulmod operand)
            function selectorBits(pt, k, idx) -> s {
                s := 1
                for { let p := add(pt, shl(5, k)) } gt(p, pt) { idx := shr(1, idx) } {
                    p := sub(p, 0x20)
                    let x := mload(p)
                    if iszero(and(idx, 1)) { x := sub(add(R_MOD, 1), x) }
                    s := mulmod(s, x, R_MOD)
                }
            }
