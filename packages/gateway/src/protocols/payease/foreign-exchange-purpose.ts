import { GatewayError } from '../../domain/errors.js';
import { isBusinessDate } from '../../domain/business-day.js';
import type { ForUse } from '../../fx/fx-order.js';
import { str, wholeNumberText, type Wire } from './wire-fields.js';

/**
 * Seed 002's purpose objects, field by field: maximum length, whether the
 * field is required when the purpose is declared (the seed's "C" fields
 * are; "O" fields are not), and a format where the seed gives one.
 */
interface FieldSpec {
  max: number;
  required: boolean;
  format?: { test: (v: string) => boolean; reason: string };
}

const DATE = { test: isBusinessDate, reason: 'a date YYYY-MM-DD' };
const DIGITS = { test: (v: string) => /^[1-9][0-9]*$/.test(v), reason: 'a whole number' };
/** Three-letter airport or city codes, e.g. DXB-HKG. */
const FROM_TO = { test: (v: string) => /^[A-Z]{3}-[A-Z]{3}$/.test(v), reason: 'two 3-letter codes joined by "-", e.g. DXB-HKG' };
/** `yyyymmdd hh24:mi-yyyymmdd hh24:mi`; the seed's own example drops the space, so it is optional. */
const DEPARTURE_ARRIVAL = {
  test: (v: string) => /^\d{8} ?([01]\d|2[0-3]):[0-5]\d-\d{8} ?([01]\d|2[0-3]):[0-5]\d$/.test(v),
  reason: 'departure and arrival as "yyyymmdd hh:mi-yyyymmdd hh:mi"',
};
const oneOf = (...values: string[]) => ({ test: (v: string) => values.includes(v), reason: `one of ${values.join(', ')}` });

const c = (max: number, format?: FieldSpec['format']): FieldSpec => ({ max, required: true, ...(format ? { format } : {}) });
const o = (max: number, format?: FieldSpec['format']): FieldSpec => ({ max, required: false, ...(format ? { format } : {}) });

interface PurposeSpec {
  field: string;
  list: boolean;
  fields: Record<string, FieldSpec>;
  /** Checks across fields: an end not before its start. */
  order?: [string, string][];
}

export const PURPOSE_SPECS: Readonly<Partial<Record<ForUse, PurposeSpec>>> = {
  PLANETICKET: {
    field: 'ticketInfos',
    list: true,
    fields: { airlineName: c(100), crewName: c(400), flight: c(100), freightSpaceClass: c(40), fromTo: c(200, FROM_TO), departureArrivalTime: c(200, DEPARTURE_ARRIVAL) },
  },
  STUDYABROAD: {
    field: 'studyAbroadInfo',
    list: false,
    fields: {
      name: c(100),
      schoolName: c(200),
      studentNumber: c(40),
      schoolWeb: o(150),
      schoolCity: o(100),
      major: o(100),
      academicDegree: o(100),
      studyAbroadTime: o(10, oneOf('一年及以下', '一年以上')),
    },
  },
  HOTELACCOMMODATION: {
    field: 'hotelInfos',
    list: true,
    fields: { hotelName: c(100), hotelAddress: c(200), registrantName: c(100), checkInDate: c(10, DATE), checkOutDate: c(10, DATE), roomType: c(40) },
    order: [['checkInDate', 'checkOutDate']],
  },
  SOFTWARE: {
    field: 'softwareInfo',
    list: false,
    // softwareWeb is varchar(10) in the seed, too short for any web address: 150 as schoolWeb.
    fields: { softwareName: c(100), softwarePerson: c(200), softwareCount: c(100, DIGITS), softwareDate: c(10, DATE), softwareWeb: c(150), softwareCode: c(40), softwareIp: c(40) },
  },
  MEETING: {
    field: 'meetingInfo',
    list: false,
    fields: { meetingName: c(100), meetingCountry: c(50), meetingArea: c(100), meetingPeople: c(100), meetingCount: c(10, DIGITS), meetingStartDate: c(10, DATE), meetingEndDate: c(10, DATE) },
    order: [['meetingStartDate', 'meetingEndDate']],
  },
  EXHIBITION: {
    field: 'exhibitionInfo',
    list: false,
    fields: {
      exhibitionName: c(100),
      exhibitionCountry: c(50),
      exhibitionArea: c(100),
      exhibitionPeople: c(100),
      exhibitionCount: c(10, DIGITS),
      exhibitionStartDate: c(10, DATE),
      exhibitionEndDate: c(10, DATE),
    },
    order: [['exhibitionStartDate', 'exhibitionEndDate']],
  },
  TRAVEL: {
    field: 'travelInfos',
    list: true,
    fields: { subItem: c(20, oneOf('GROEPTRAVEL', 'RENTALCARS', 'RENTING')), country: c(20), productName: c(100), startDateTime: o(10, DATE), name: o(50), peopleNum: o(10, DIGITS) },
  },
  LOGISTICS: {
    field: 'logisticsInfos',
    list: true,
    fields: { country: c(20), goodsType: c(10), mailType: c(10), logisticsNumber: o(50), name: o(50) },
  },
};

/** Purpose lists hold at most this many entries (a group booking, a consolidated shipment). */
const PURPOSE_ENTRIES_MAX = 50;

function checkObject(value: unknown, label: string, spec: PurposeSpec): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GatewayError('FIELD_INVALID', { field: label, reason: 'must be an object' });
  const out: Record<string, string> = {};
  for (const [name, f] of Object.entries(spec.fields)) {
    // Counts may come as JSON integers (`"meetingCount": 120`) as well as digit strings.
    const read = f.format === DIGITS ? wholeNumberText : str;
    const v = read(value as Wire, name, f.required, f.max, `${label}.${name}`);
    if (v === undefined) continue;
    if (f.format && !f.format.test(v)) throw new GatewayError('FIELD_INVALID', { field: `${label}.${name}`, reason: f.format.reason });
    out[name] = v;
  }
  for (const [from, to] of spec.order ?? []) {
    if (out[from] && out[to] && out[to]! < out[from]!) throw new GatewayError('FIELD_INVALID', { field: `${label}.${to}`, reason: `not before ${from}` });
  }
  return out;
}

/**
 * Validates the purpose object `forUse` calls for and refuses objects of
 * other purposes: a declaration says one thing. GOODSTRADE has no object
 * (its goods are the productDetails).
 */
export function parsePurpose(payload: Wire, forUse: ForUse): Record<string, unknown> | null {
  for (const [use, spec] of Object.entries(PURPOSE_SPECS)) {
    const value = payload[spec.field];
    if (use !== forUse && value !== undefined && value !== null && value !== '') {
      throw new GatewayError('FIELD_INVALID', { field: spec.field, reason: `belongs to forUse ${use}, not ${forUse}` });
    }
  }
  const spec = PURPOSE_SPECS[forUse];
  if (!spec) return null;
  const value = payload[spec.field];
  if (value === undefined || value === null || value === '') throw new GatewayError('FIELD_MISSING', { field: spec.field });
  if (!spec.list) return { [spec.field]: checkObject(value, spec.field, spec) };
  if (!Array.isArray(value) || value.length === 0) throw new GatewayError('FIELD_INVALID', { field: spec.field, reason: 'must be a non-empty list' });
  if (value.length > PURPOSE_ENTRIES_MAX) throw new GatewayError('FIELD_INVALID', { field: spec.field, reason: `more than ${PURPOSE_ENTRIES_MAX} entries` });
  return { [spec.field]: value.map((entry, i) => checkObject(entry, `${spec.field}[${i}]`, spec)) };
}
