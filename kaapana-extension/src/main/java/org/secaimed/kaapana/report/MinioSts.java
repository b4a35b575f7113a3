package org.secaimed.kaapana.report;

import java.io.IOException;
import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Kaapana's MinIO trusts Keycloak (OpenID): a pod exchanges the project user's access token for
 * temporary S3 credentials with STS {@code AssumeRoleWithWebIdentity}, as kaapanapy's MinIO helper
 * does. The credentials are scoped by MinIO's policy for the token's projects.
 */
public final class MinioSts {
  private MinioSts() {}

  public static AwsSessionCredentialsIdentity assumeRoleWithWebIdentity(OkHttpClient http, HttpUrl minio, String accessToken)
      throws IOException {
    Request request = new Request.Builder().url(minio).post(new FormBody.Builder()
        .add("Action", "AssumeRoleWithWebIdentity").add("Version", "2011-06-15")
        .add("DurationSeconds", "3600").add("WebIdentityToken", accessToken).build()).build();
    try (Response r = http.newCall(request).execute()) {
      String body = r.body() == null ? "" : r.body().string();
      if (!r.isSuccessful()) throw new IOException("MinIO STS AssumeRoleWithWebIdentity: HTTP " + r.code());
      Document doc = parse(body);
      String key = text(doc, "AccessKeyId");
      String secret = text(doc, "SecretAccessKey");
      String session = text(doc, "SessionToken");
      if (key == null || secret == null || session == null) throw new IOException("MinIO STS answer lacks credentials");
      return AwsSessionCredentialsIdentity.create(key, secret, session);
    }
  }

  private static Document parse(String xml) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setNamespaceAware(true);
      return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new IOException("MinIO STS answer is not XML", e);
    }
  }

  private static String text(Document doc, String element) {
    var nodes = doc.getElementsByTagNameNS("*", element);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
  }
}
