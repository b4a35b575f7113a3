package org.secaimed.connector.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();
  // Certificate Transparency's reference inputs and tree heads (RFC 6962 test data).
  private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
  private static final String[] ROOTS = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  };

  private static MerkleTree referenceTree() {
    MerkleTree t = new MerkleTree();
    for (String l : LEAVES) t.append(LogHashes.leafHash(HEX.parseHex(l)));
    return t;
  }

  @Test
  void reproducesTheReferenceRoots() {
    MerkleTree t = referenceTree();
    assertThat(HEX.formatHex(t.root(0))).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (int n = 1; n <= 8; n++) assertThat(HEX.formatHex(t.root(n))).as("size %d", n).isEqualTo(ROOTS[n - 1]);
  }

  @Test
  void reproducesTheReferenceInclusionPath() {
    List<byte[]> proof = referenceTree().inclusionProof(0, 8);
    assertThat(proof).extracting(HEX::formatHex).containsExactly(
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
  }

  @Test
  void everyInclusionAndConsistencyProofVerifiesForEveryShape() throws Exception {
    MerkleTree t = new MerkleTree();
    for (int i = 0; i < 40; i++) t.append(LogHashes.leafHash(new byte[] {(byte) i, (byte) (i * 7)}));
    for (int n = 1; n <= 40; n++) {
      for (int i = 0; i < n; i++) MerkleProofs.verifyInclusion(t.leafHash(i), i, n, t.inclusionProof(i, n), t.root(n));
      for (int m = 1; m <= n; m++) MerkleProofs.verifyConsistency(m, n, t.root(m), t.root(n), t.consistencyProof(m, n));
    }
  }

  @Test
  void rejectsATamperedInclusionProofWrongIndexOrWrongLeaf() {
    MerkleTree t = referenceTree();
    List<byte[]> proof = t.inclusionProof(5, 8);
    List<byte[]> flipped = new ArrayList<>(proof);
    byte[] h = flipped.get(1).clone();
    h[0] ^= 1;
    flipped.set(1, h);
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(t.leafHash(5), 5, 8, flipped, t.root()))
        .isInstanceOf(LogProofException.class).hasMessageContaining("inclusion");
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(t.leafHash(5), 4, 8, proof, t.root())).isInstanceOf(LogProofException.class);
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(t.leafHash(6), 5, 8, proof, t.root())).isInstanceOf(LogProofException.class);
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(t.leafHash(5), 5, 8, proof.subList(0, 2), t.root()))
        .hasMessageContaining("shorter");
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(t.leafHash(5), 8, 8, proof, t.root())).hasMessageContaining("outside");
  }

  @Test
  void catchesAForkedLog() {
    MerkleTree honest = referenceTree();
    MerkleTree forked = new MerkleTree();
    for (int i = 0; i < 8; i++) forked.append(i == 2 ? LogHashes.leafHash(new byte[] {9}) : honest.leafHash(i));
    // The site stored the honest checkpoint at size 5; the forked log proves consistency with its own history.
    assertThatThrownBy(() -> MerkleProofs.verifyConsistency(5, 8, honest.root(5), forked.root(8), forked.consistencyProof(5, 8)))
        .isInstanceOf(LogProofException.class).hasMessageContaining("rewritten or forked");
    assertThatThrownBy(() -> MerkleProofs.verifyConsistency(8, 8, honest.root(8), forked.root(8), List.of()))
        .hasMessageContaining("forked");
    assertThatThrownBy(() -> MerkleProofs.verifyConsistency(5, 8, honest.root(5), honest.root(8), List.of()))
        .hasMessageContaining("empty");
  }
}
