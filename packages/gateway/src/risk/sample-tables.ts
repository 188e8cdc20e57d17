/**
 * Small samples of the BIN and IP-range tables, enough for the sandbox's
 * magic cards and the documentation address blocks (RFC 5737, RFC 3849).
 * Operators load real tables from their BIN and geolocation providers.
 */
export const SAMPLE_BIN_TABLE = `# bin,issuing country
424242,US
400000,US
555555,US
378282,US
353011,JP
621234,CN
411111,GB
520082,DE
`;

export const SAMPLE_IP_TABLE = `# range,country
192.0.2.0/24,US
198.51.100.0/24,DE
203.0.113.0/24,NG
2001:db8::/48,JP
`;
