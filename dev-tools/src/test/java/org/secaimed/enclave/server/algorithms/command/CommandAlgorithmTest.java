package org.secaimed.enclave.server.algorithms.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.ct.CtBodyLungsBone;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.dicom.volume.ImageVolume;

/** Runs real child processes: python3 with nibabel (Debian's, installed by scripts/setup). */
class CommandAlgorithmTest {
  static final String PYTHON = "/usr/bin/python3";
  /**
   * A stand-in for nnU-Net: reads the NIfTI with nibabel, thresholds it (1 above -500 HU, 2 above
   * 300 HU) and writes labels.nii.gz with the same affine; reports its directory mode and environment.
   */
  static final String SEGMENT_SCRIPT = """
      import sys, os, stat, nibabel as nib, numpy as np
      src, dst, report = sys.argv[1], sys.argv[2], sys.argv[3]
      img = nib.load(src)
      hu = np.asarray(img.dataobj)
      labels = np.zeros(hu.shape, dtype=np.uint8)
      labels[hu > -500] = 1
      labels[hu > 300] = 2
      nib.save(nib.Nifti1Image(labels, img.affine), dst)
      mode = stat.S_IMODE(os.stat(os.path.dirname(os.path.dirname(src))).st_mode)
      open(report, "w").write("%o %s %s" % (mode, os.environ.get("HOME"), sorted(os.environ.keys())))
      """;

  @TempDir static Path dir;
  static Path script, workRoot;
  static ImageVolume image;
  static CtPhantom phantom;

  @BeforeAll
  static void setUp() throws Exception {
    script = dir.resolve("segment.py");
    Files.writeString(script, SEGMENT_SCRIPT);
    workRoot = Files.createDirectory(dir.resolve("work"));
    phantom = CtPhantom.builder().size(96, 96, 12).seed(8).build();
    image = phantom.image();
  }

  static CommandAlgorithm algorithm(List<String> command, Duration timeout) throws Exception {
    return new CommandAlgorithm(new CommandAlgorithm.Config("site-lungs", "0.1", command, timeout, "CT",
        CtBodyLungsBone.SEGMENTS.subList(0, 2), workRoot, null), "INSECURE dev enclave: ");
  }

  @Test
  void runsTheProgramInAPrivateDirectoryAndReadsItsLabelMapBack() throws Exception {
    Path report = dir.resolve("report.txt");
    CommandAlgorithm a = algorithm(List.of(PYTHON, script.toString(), "{input}", "{output}", report.toString()), Duration.ofSeconds(60));
    Segmentation s = a.segmenter(new Parameters(Map.of())).segment(image, ProgressListener.NONE);

    assertThat(s.labels().geometry()).isEqualTo(image.geometry());
    // The same rule computed here: any flip or shift between NIfTI and DICOM space would break equality.
    short[] hu = image.voxels();
    byte[] expected = new byte[hu.length];
    for (int i = 0; i < hu.length; i++) expected[i] = (byte) (hu[i] > 300 ? 2 : hu[i] > -500 ? 1 : 0);
    assertThat(s.labels().labels()).isEqualTo(expected);
    String[] seen = Files.readString(report).split(" ", 3);
    assertThat(seen[0]).isEqualTo("700"); // owner-only working directory
    assertThat(seen[1]).startsWith(workRoot.toString());
    assertThat(seen[2]).doesNotContain("JAVA_HOME").doesNotContain("MAVEN"); // a minimal environment, not the enclave's
    try (var left = Files.list(workRoot)) {
      assertThat(left).isEmpty(); // deleted afterwards
    }
  }

  @Test
  void aFailingProgramIsReportedByExitStatusAndLeavesNothing() throws Exception {
    CommandAlgorithm a = algorithm(List.of(PYTHON, "-c", "import sys; sys.stderr.write('patient John Doe'); sys.exit(3)"), Duration.ofSeconds(30));
    assertThatThrownBy(() -> a.segmenter(new Parameters(Map.of())).segment(image, ProgressListener.NONE))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.EXTERNAL_PROGRAM_FAILED);
          assertThat(e.getMessage()).contains("status 3").doesNotContain("John");
        });
    try (var left = Files.list(workRoot)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aProgramThatRunsTooLongIsKilled() throws Exception {
    CommandAlgorithm a = algorithm(List.of(PYTHON, "-c", "import time; time.sleep(60)"), Duration.ofMillis(700));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> a.segmenter(new Parameters(Map.of())).segment(image, ProgressListener.NONE))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
    try (var left = Files.list(workRoot)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void labelsTheConfigurationDoesNotDescribeAreRejected() throws Exception {
    String writesSeven = "import sys, nibabel as nib, numpy as np; i = nib.load(sys.argv[1]); "
        + "nib.save(nib.Nifti1Image(np.full(i.shape, 7, dtype=np.uint8), i.affine), sys.argv[2])";
    CommandAlgorithm a = algorithm(List.of(PYTHON, "-c", writesSeven, "{input}", "{output}"), Duration.ofSeconds(30));
    assertThatThrownBy(() -> a.segmenter(new Parameters(Map.of())).segment(image, ProgressListener.NONE))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.getMessage()).contains("label value 7"));
    String noOutput = "pass";
    CommandAlgorithm b = algorithm(List.of(PYTHON, "-c", noOutput), Duration.ofSeconds(30));
    assertThatThrownBy(() -> b.segmenter(new Parameters(Map.of())).segment(image, ProgressListener.NONE))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.getMessage()).contains("no output"));
  }

  @Test
  void loadsSiteConfigurationsFromJsonAndNamesWhatIsWrong() throws Exception {
    Path file = dir.resolve("commands.json");
    Files.writeString(file, """
        {"algorithms": [{"id": "site-lungs", "version": "0.1", "command": ["/usr/bin/python3", "x.py", "{input}", "{output}"],
          "timeoutSeconds": 600, "modality": "CT",
          "segments": [{"number": 1, "label": "Lungs", "category": {"value": "123037004", "scheme": "SCT", "meaning": "Anatomical Structure"},
                        "type": {"value": "39607008", "scheme": "SCT", "meaning": "Lung"}, "algorithmType": "AUTOMATIC", "algorithmName": "site 0.1"}]}]}
        """);
    List<CommandAlgorithm.Config> configs = CommandConfigs.load(file);
    assertThat(configs).singleElement().satisfies(c -> {
      assertThat(c.id()).isEqualTo("site-lungs");
      assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(10));
      assertThat(c.segments().get(0).type().value()).isEqualTo("39607008");
    });
    Files.writeString(file, "{\"algorithms\": [{\"id\": \"x\", \"version\": \"1\", \"command\": [\"true\"], \"timeoutSeconds\": 0, \"segments\": []}]}");
    assertThatThrownBy(() -> CommandConfigs.load(file)).hasMessageContaining("algorithms[0]").hasMessageContaining("timeout");
  }

  @Test
  void theDigestCoversTheProgramBytes() throws Exception {
    Path s2 = dir.resolve("segment2.py");
    Files.writeString(s2, SEGMENT_SCRIPT);
    String d1 = algorithm(List.of(PYTHON, s2.toString(), "{input}"), Duration.ofSeconds(5)).descriptor().digest();
    String again = algorithm(List.of(PYTHON, s2.toString(), "{input}"), Duration.ofSeconds(5)).descriptor().digest();
    Files.writeString(s2, SEGMENT_SCRIPT + "\n# changed\n");
    String d2 = algorithm(List.of(PYTHON, s2.toString(), "{input}"), Duration.ofSeconds(5)).descriptor().digest();
    assertThat(d1).isEqualTo(again).isNotEqualTo(d2).startsWith("sha256:");
  }
}
