//! Deployment secrets, created once by whichever caller is first.

use super::*;

#[async_trait]
impl SecretStore for EmbeddedStore {
    async fn get_or_create_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        let (pk, candidate) = (keys::secret(name), candidate.to_vec());
        self.write(move |t| match t.get(&pk)? {
            Some(existing) => Ok(existing),
            None => {
                t.put(&pk, &candidate)?;
                Ok(candidate)
            }
        })
        .await
    }
}
