package org.secaimed.kaapana.report;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MinIO's STS answer (MinIO cannot run here: WireMock replays the documented response shape). */
class MinioStsTest {
  @RegisterExtension
  static WireMockExtension minio = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  @Test
  void exchangesTheProjectUsersTokenForTemporaryCredentials() throws Exception {
    minio.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=AssumeRoleWithWebIdentity"))
        .withRequestBody(containing("WebIdentityToken=tok")).willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody("""
            <?xml version="1.0" encoding="UTF-8"?>
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult><Credentials>
                <AccessKeyId>AK1</AccessKeyId><SecretAccessKey>SK1</SecretAccessKey><SessionToken>ST1</SessionToken>
                <Expiration>2026-12-07T00:00:00Z</Expiration>
              </Credentials></AssumeRoleWithWebIdentityResult>
            </AssumeRoleWithWebIdentityResponse>""")));
    var c = MinioSts.assumeRoleWithWebIdentity(new OkHttpClient(), HttpUrl.get(minio.baseUrl()), "tok");
    assertThat(c.accessKeyId()).isEqualTo("AK1");
    assertThat(c.secretAccessKey()).isEqualTo("SK1");
    assertThat(c.sessionToken()).isEqualTo("ST1");
  }

  @Test
  void aRefusalIsNamed() {
    minio.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(400)));
    assertThatThrownBy(() -> MinioSts.assumeRoleWithWebIdentity(new OkHttpClient(), HttpUrl.get(minio.baseUrl()), "tok"))
        .hasMessageContaining("AssumeRoleWithWebIdentity").hasMessageContaining("400");
  }
}
