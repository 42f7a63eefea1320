export { rendezvousOwner, ownedBy } from './rendezvous';
export {
  ApplierGroup,
  MEMBERS_BUCKET,
  newInstanceId,
  openMembers,
  readMembers,
  type GroupOptions,
  type MemberEntry,
} from './group';
