import { CreateLegacyBaseline1763800000000 } from './1763800000000-CreateLegacyBaseline';
import { CreateSharedInfrastructure1763800000100 } from './1763800000100-CreateSharedInfrastructure';
import { RepairUsers1763800000200 } from './1763800000200-RepairUsers';
import { IndexUsers1763800000300 } from './1763800000300-IndexUsers';

/** The migration chain, in order. Listed explicitly so it works from ts-node, dist/ and embedding apps. */
export const LINGUA_MIGRATIONS = [
  CreateLegacyBaseline1763800000000,
  CreateSharedInfrastructure1763800000100,
  RepairUsers1763800000200,
  IndexUsers1763800000300,
];
