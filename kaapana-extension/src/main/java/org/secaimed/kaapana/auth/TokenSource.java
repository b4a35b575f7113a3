package org.secaimed.kaapana.auth;

/** Something that hands out a currently valid access token (cached, refreshed as needed). */
@FunctionalInterface
public interface TokenSource {
  AccessToken accessToken() throws KeycloakAuthException;
}
