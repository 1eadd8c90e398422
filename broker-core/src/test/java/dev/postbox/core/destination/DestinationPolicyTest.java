package dev.postbox.core.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DestinationPolicyTest {
  private static DestinationPolicy policy(List<String> allow, List<String> deny) {
    return DestinationPolicy.of(allow, deny, false);
  }

  private static String denied(DestinationPolicy p, String host) {
    return p.deniedBy(host).map(DestinationRule::toString).orElse("allowed");
  }

  private static String denied(DestinationPolicy p, String host, String address) throws Exception {
    return p.deniedBy(host, InetAddress.getByName(address))
        .map(DestinationRule::toString)
        .orElse("allowed");
  }

  @Test
  void theDefaultAllowsEverything() {
    DestinationPolicy p = DestinationPolicy.allowAll();
    assertTrue(p.allowsAll());
    assertEquals("allowed", denied(p, "127.0.0.1"));
    p.check("http://127.0.0.1:8080/x", "destination");
  }

  @Test
  void ipv4RangesMatchAddressLiteralsWithoutDns() {
    DestinationPolicy p = policy(List.of(), List.of("10.0.0.0/8", "192.168.1.7"));
    assertEquals("deny 10.0.0.0/8", denied(p, "10.0.0.0"));
    assertEquals("deny 10.0.0.0/8", denied(p, "10.255.255.255"));
    assertEquals("allowed", denied(p, "11.0.0.0"));
    assertEquals("allowed", denied(p, "9.255.255.255"));
    assertEquals("deny 192.168.1.7", denied(p, "192.168.1.7"));
    assertEquals("allowed", denied(p, "192.168.1.8"));
    assertEquals("allowed", denied(p, "internal.example"), "a name is not decided by a CIDR");
  }

  @Test
  void prefixesThatAreNotWholeBytesMatchBitByBit() {
    DestinationPolicy p = policy(List.of(), List.of("172.16.0.0/12", "100.64.0.0/10"));
    assertEquals("deny 172.16.0.0/12", denied(p, "172.31.255.255"));
    assertEquals("allowed", denied(p, "172.32.0.0"));
    assertEquals("allowed", denied(p, "172.15.255.255"));
    assertEquals("deny 100.64.0.0/10", denied(p, "100.127.0.1"));
    assertEquals("allowed", denied(p, "100.128.0.1"));
  }

  @Test
  void zeroAndFullPrefixes() {
    assertEquals("deny 0.0.0.0/0", denied(policy(List.of(), List.of("0.0.0.0/0")), "8.8.8.8"));
    assertEquals(
        "allowed", denied(policy(List.of(), List.of("0.0.0.0/0")), "::1"), "IPv4 range, IPv6");
    assertEquals("deny ::/0", denied(policy(List.of(), List.of("::/0")), "[2001:db8::1]"));
    assertEquals("allowed", denied(policy(List.of(), List.of("8.8.8.8/32")), "8.8.8.9"));
  }

  @Test
  void shortIpv4SpellingsAreTheAddressesTheyResolveTo() {
    DestinationPolicy p = policy(List.of(), List.of("127.0.0.0/8"));
    assertEquals("deny 127.0.0.0/8", denied(p, "127.1"));
    assertEquals("deny 127.0.0.0/8", denied(p, "2130706433"));
    assertEquals("deny 127.0.0.0/8", denied(p, "127.0.1"));
    assertEquals("allowed", denied(p, "127.0.0.256"), "not an address: a name");
  }

  @Test
  void ipv6RangesMatchLiteralsWithOrWithoutBracketsAndZones() {
    DestinationPolicy p = policy(List.of(), List.of("fc00::/7", "fe80::/10", "::1"));
    assertEquals("deny fc00::/7", denied(p, "[fd12:3456::1]"));
    assertEquals("deny fc00::/7", denied(p, "fc00::"));
    assertEquals("allowed", denied(p, "[fe00::1]"));
    assertEquals("deny fe80::/10", denied(p, "[fe80::1%25eth0]"));
    assertEquals("deny fe80::/10", denied(p, "fe80::1%eth0"));
    assertEquals("deny fe80::/10", denied(p, "febf:ffff::1"));
    assertEquals("allowed", denied(p, "fec0::1"));
    assertEquals("deny ::1", denied(p, "[0:0:0:0:0:0:0:1]"));
    assertEquals("allowed", denied(p, "[2001:db8::1]"));
  }

  @Test
  void anIpv4MappedIpv6AddressIsTheIpv4AddressItMaps() {
    DestinationPolicy p = policy(List.of(), List.of("127.0.0.0/8"));
    assertEquals("deny 127.0.0.0/8", denied(p, "[::ffff:127.0.0.1]"));
    assertEquals("deny 127.0.0.0/8", denied(p, "[::ffff:7f00:1]"));
  }

  @Test
  void hostPatternsMatchNamesAsWritten() {
    DestinationPolicy p = policy(List.of(), List.of("localhost", "*.internal", "API.Example.com"));
    assertEquals("deny localhost", denied(p, "localhost"));
    assertEquals("deny localhost", denied(p, "LOCALHOST."));
    assertEquals("allowed", denied(p, "localhost.example.com"));
    assertEquals("deny *.internal", denied(p, "db.internal"));
    assertEquals("deny *.internal", denied(p, "a.b.internal"));
    assertEquals("allowed", denied(p, "internal"), "*.internal is the names under it");
    assertEquals("allowed", denied(p, "notinternal"));
    assertEquals("deny api.example.com", denied(p, "api.example.com"));
    assertEquals("allowed", denied(p, "www.example.com"));
    assertEquals("allowed", denied(p, "127.0.0.1"), "a name pattern never matches an address");
  }

  @Test
  void aStarDeniesEverythingNotAllowed() {
    DestinationPolicy p = policy(List.of("api.example.com", "203.0.113.0/24"), List.of("*"));
    assertEquals("deny *", denied(p, "other.example.com"));
    assertEquals("deny *", denied(p, "8.8.8.8"));
    assertEquals("allowed", denied(p, "api.example.com"));
    assertEquals("allowed", denied(p, "203.0.113.9"));
  }

  @Test
  void anAllowMatchWinsOverADenyMatch() {
    DestinationPolicy p =
        policy(List.of("127.0.0.1/32", "ok.internal"), List.of("127.0.0.0/8", "*.internal"));
    assertEquals("allowed", denied(p, "127.0.0.1"));
    assertEquals("deny 127.0.0.0/8", denied(p, "127.0.0.2"));
    assertEquals("allowed", denied(p, "ok.internal"));
    assertEquals("deny *.internal", denied(p, "db.internal"));
  }

  @Test
  void onDeliveryTheResolvedAddressDecidesTheCidrs() throws Exception {
    DestinationPolicy p = policy(List.of("127.0.0.2"), List.of("127.0.0.0/8"));
    assertEquals("allowed", denied(p, "localhost"), "at publish: a name, no DNS");
    assertEquals("deny 127.0.0.0/8", denied(p, "localhost", "127.0.0.1"));
    assertEquals("allowed", denied(p, "localhost", "127.0.0.2"), "allowed by its address");
    assertEquals("allowed", denied(p, "example.com", "93.184.216.34"));
    assertEquals(Optional.empty(), p.deniedBy("localhost", null));
  }

  @Test
  void theProductionProfileDeniesInternalRangesExceptWhatIsAllowed() throws Exception {
    DestinationPolicy p = DestinationPolicy.of(List.of("10.1.2.3"), List.of(), true);
    assertEquals("deny 127.0.0.0/8 (production profile)", denied(p, "127.0.0.1"));
    assertEquals("deny 10.0.0.0/8 (production profile)", denied(p, "10.0.0.1"));
    assertEquals("allowed", denied(p, "10.1.2.3"));
    assertEquals("deny 172.16.0.0/12 (production profile)", denied(p, "172.20.0.1"));
    assertEquals("deny 192.168.0.0/16 (production profile)", denied(p, "192.168.0.1"));
    assertEquals("deny 169.254.0.0/16 (production profile)", denied(p, "169.254.169.254"));
    assertEquals("deny 100.64.0.0/10 (production profile)", denied(p, "100.64.0.1"));
    assertEquals("deny 0.0.0.0/8 (production profile)", denied(p, "0.0.0.0"));
    assertEquals("deny 224.0.0.0/4 (production profile)", denied(p, "239.255.255.250"));
    assertEquals("deny 240.0.0.0/4 (production profile)", denied(p, "255.255.255.255"));
    assertEquals("deny ::1/128 (production profile)", denied(p, "[::1]"));
    assertEquals("deny ::/128 (production profile)", denied(p, "[::]"));
    assertEquals("deny fc00::/7 (production profile)", denied(p, "[fd00::1]"));
    assertEquals("deny fe80::/10 (production profile)", denied(p, "[fe80::1]"));
    assertEquals("deny ff00::/8 (production profile)", denied(p, "[ff02::1]"));
    assertEquals("deny localhost (production profile)", denied(p, "localhost"));
    assertEquals("deny *.localhost (production profile)", denied(p, "app.localhost"));
    assertEquals("allowed", denied(p, "8.8.8.8"));
    assertEquals("allowed", denied(p, "[2001:4860:4860::8888]"));
    assertEquals("allowed", denied(p, "100.63.255.255"));
    assertEquals("deny 10.0.0.0/8 (production profile)", denied(p, "db.example.com", "10.9.9.9"));
  }

  @Test
  void checkRefusesAUrlNamingItAndTheRule() {
    DestinationPolicy p = policy(List.of(), List.of("10.0.0.0/8"));
    DestinationDeniedException e =
        assertThrows(
            DestinationDeniedException.class,
            () -> p.check("http://10.1.2.3:8080/hook?a=1", "destination"));
    assertEquals(
        "destination http://10.1.2.3:8080/hook?a=1 is denied by rule deny 10.0.0.0/8",
        e.getMessage());
    p.check("https://example.com/hook", "destination");
    p.check("not a url", "destination"); // left to the URL checks
  }

  @Test
  void aBadEntryIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> policy(List.of(), List.of("10.0.0.0/8", "not a host")));
    assertEquals(
        "deny: 'not a host' is neither a CIDR (10.0.0.0/8, fd00::/8, 127.0.0.1) nor a host"
            + " pattern (api.example.com, *.internal, localhost)",
        e.getMessage());
    assertEquals(
        "allow: '10.0.0.0/33': the prefix after / must be 0..32",
        assertThrows(
                IllegalArgumentException.class, () -> policy(List.of("10.0.0.0/33"), List.of()))
            .getMessage());
    assertEquals(
        "deny: 'fd00::/129': the prefix after / must be 0..128",
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(), List.of("fd00::/129")))
            .getMessage());
    assertEquals(
        "deny: '10.0.0.1/8': bits are set past the /8 prefix (did you mean 10.0.0.0/8?)",
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(), List.of("10.0.0.1/8")))
            .getMessage());
    assertEquals(
        "deny: '10.0.0.0/x': the prefix after / must be a number 0..32",
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(), List.of("10.0.0.0/x")))
            .getMessage());
    assertEquals(
        "deny: an empty entry",
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(), List.of(" ")))
            .getMessage());
    assertEquals(
        "deny: '10.0.0' is not an address: write an IPv4 address in four parts (10.0.0.0/24)",
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(), List.of("10.0.0")))
            .getMessage());
    for (String bad : List.of("*internal", "a..b", "-a.com", "http://x.com", "x.com:80", "a*.b")) {
      assertThrows(
          IllegalArgumentException.class, () -> policy(List.of(), List.of(bad)), bad + " is bad");
    }
  }
}
